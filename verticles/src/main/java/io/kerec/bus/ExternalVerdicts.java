package io.kerec.bus;

/** Verdicts of an external judge to store and apply, in the order they were read. */
public record ExternalVerdicts(java.util.List<ExternalVerdict> verdicts) {
}
