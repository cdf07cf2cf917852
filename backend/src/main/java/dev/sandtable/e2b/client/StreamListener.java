package dev.sandtable.e2b.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Receives a server stream's messages, in order, on the stream's reader thread (must not block long).
 * {@link #onEnd} is called exactly once, unless the caller cancelled the stream first.
 */
public interface StreamListener {
    void onMessage(JsonNode message);

    /** @param error null when the server ended the stream successfully */
    void onEnd(ConnectRpcException error);
}
