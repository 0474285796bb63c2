package io.kerec.graph.impl;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounded, least-recently-used map between entity names and vertex ids, both ways. Entities are never renamed and
 * JanusGraph never reuses ids, so an entry stays true until the vertex is deleted; callers drop an entry whose
 * vertex is gone. Only committed vertices go in. Thread-safe.
 */
final class EntityIdCache {
  private final int capacity;
  private final HashMap<Object, String> byId = new HashMap<>();
  private final LinkedHashMap<String, Object> byName;

  EntityIdCache(int capacity) {
    this.capacity = capacity;
    this.byName = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
        if (size() > EntityIdCache.this.capacity) {
          byId.remove(eldest.getValue());
          return true;
        }
        return false;
      }
    };
  }

  synchronized Object id(String name) {
    return byName.get(name);
  }

  synchronized String name(Object id) {
    return byId.get(id);
  }

  synchronized void put(String name, Object id) {
    if (capacity == 0) {
      return;
    }
    Object old = byName.put(name, id);
    if (old != null && !old.equals(id)) {
      byId.remove(old);
    }
    byId.put(id, name);
  }

  synchronized void putAll(Map<String, Object> entries) {
    entries.forEach(this::put);
  }

  synchronized void remove(String name) {
    Object id = byName.remove(name);
    if (id != null) {
      byId.remove(id);
    }
  }

  synchronized int size() {
    return byName.size();
  }
}
