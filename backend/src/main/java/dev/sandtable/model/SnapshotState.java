package dev.sandtable.model;

public enum SnapshotState { CREATING, READY, FAILED, DELETING }
