package dev.sandtable.spi;

public enum ConnectionState { CONNECTING, CONNECTED, RECONNECTING, DISCONNECTED }
