package io.kerec.bus;

/** The A/B experiment arm an answer was made in: the experiment's name and the user's arm. */
public record ExperimentArm(String name, String arm) {
}
