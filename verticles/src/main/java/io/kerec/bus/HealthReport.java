package io.kerec.bus;

/** Health of one verticle: UP, DEGRADED or DOWN, with details. */
public record HealthReport(String component, String status, java.util.Map<String, Object> details) {
}
