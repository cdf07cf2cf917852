package dev.sandtable.spi;

public enum BackendKind { LOCAL, DOCKER, KUBERNETES, E2B, OPENSANDBOX, SYNTHETIC }
