package io.kerec.bus;

/** Reply of ingest: how many were accepted, of which how many were already known (same id). */
public record Accepted(int accepted, int duplicates) {
}
