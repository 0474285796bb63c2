package io.kerec.bus;

/** Ask for the most popular items not bought by the user (userId may be null). */
public record PopularRequest(String userId, int k) {
}
