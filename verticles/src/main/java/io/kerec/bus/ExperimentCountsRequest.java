package io.kerec.bus;

/** Asks for the stored counts of one experiment's arms ({@link Addresses#INGEST_EXPERIMENT_COUNTS}). */
public record ExperimentCountsRequest(String experiment) {
}
