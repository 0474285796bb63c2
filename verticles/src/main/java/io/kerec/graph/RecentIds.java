package io.kerec.graph;

import java.util.HashSet;
import java.util.Set;

/** The last {@code capacity} distinct ids added, in a ring: a bounded memory of what was already applied. */
final class RecentIds {
  private final String[] ring;
  private final Set<String> members;
  private int next;

  RecentIds(int capacity) {
    ring = new String[capacity];
    members = new HashSet<>(capacity * 2);
  }

  /** Adds an id; false when it is among the last {@code capacity} added. */
  boolean add(String id) {
    if (!members.add(id)) {
      return false;
    }
    String evicted = ring[next];
    if (evicted != null) {
      members.remove(evicted);
    }
    ring[next] = id;
    next = (next + 1) % ring.length;
    return true;
  }
}
