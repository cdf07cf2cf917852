package dev.sandtable.model;

/** Where a sandbox came from. */
public enum SourceKind { TEMPLATE, SNAPSHOT, POOL, IMAGE, UNKNOWN }
