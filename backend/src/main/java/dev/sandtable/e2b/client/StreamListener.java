package dev.sandtable.e2b.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Receives a server stream's messages, in order, on the stream's reader thread (must not block long).
 * {@link #onEnd} is called exactly once, unless the caller cancelled the stream first.
 */
public interface StreamListener {
    /** The response's status line and headers arrived (before any message); on the HTTP client's thread. */
    default void onResponse(int status, java.net.http.HttpHeaders headers) {
    }

    void onMessage(JsonNode message);

    /** @param error null when the server ended the stream successfully */
    void onEnd(ConnectRpcException error);
}
