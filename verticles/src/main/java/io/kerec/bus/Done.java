package io.kerec.bus;

/** Acknowledgement of an internal write, with how many records it touched. */
public record Done(int count) {
}
