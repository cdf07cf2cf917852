package dev.sandtable.model;

public enum ResourceKind { SANDBOX, POOL, SNAPSHOT, TEMPLATE }
