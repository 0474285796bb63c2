package io.kerec.judge;

/**
 * Open-addressing hash map from {@code long} to {@code int} with linear probing, no boxing, no removal.
 * About 12 bytes per slot at a load factor of at most 0.7. Not thread-safe.
 */
final class LongIntMap {
  private static final float LOAD_FACTOR = 0.7f;
  private static final int MAX_CAPACITY = 1 << 30;

  /** Slot marker; the real key 0 is kept aside in {@link #hasZeroKey}/{@link #zeroValue}. */
  private static final long FREE = 0L;

  private long[] keys;
  private int[] values;
  private int mask;
  private int size;
  private int resizeAt;
  private boolean hasZeroKey;
  private int zeroValue;

  /** @param expectedSize number of keys to hold before the first resize */
  LongIntMap(int expectedSize) {
    int capacity = 16;
    while (capacity * LOAD_FACTOR < expectedSize && capacity < MAX_CAPACITY) {
      capacity <<= 1;
    }
    allocate(capacity);
  }

  /** @return number of keys */
  int size() {
    return size;
  }

  /** @return the value of {@code key}, 0 when absent */
  int get(long key) {
    if (key == FREE) {
      return hasZeroKey ? zeroValue : 0;
    }
    int i = slot(key);
    while (true) {
      long k = keys[i];
      if (k == key) {
        return values[i];
      }
      if (k == FREE) {
        return 0;
      }
      i = (i + 1) & mask;
    }
  }

  /** @return true when {@code key} was ever put or added to */
  boolean containsKey(long key) {
    if (key == FREE) {
      return hasZeroKey;
    }
    int i = slot(key);
    while (true) {
      long k = keys[i];
      if (k == key) {
        return true;
      }
      if (k == FREE) {
        return false;
      }
      i = (i + 1) & mask;
    }
  }

  /** Sets {@code key} to {@code value}. */
  void put(long key, int value) {
    if (key == FREE) {
      if (!hasZeroKey) {
        hasZeroKey = true;
        size++;
      }
      zeroValue = value;
      return;
    }
    int i = slot(key);
    while (true) {
      long k = keys[i];
      if (k == key) {
        values[i] = value;
        return;
      }
      if (k == FREE) {
        keys[i] = key;
        values[i] = value;
        if (++size > resizeAt) {
          rehash(keys.length << 1);
        }
        return;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Adds {@code delta} to the value of {@code key} (absent keys count as 0).
   *
   * @return the new value
   */
  int addTo(long key, int delta) {
    if (key == FREE) {
      if (!hasZeroKey) {
        hasZeroKey = true;
        size++;
      }
      zeroValue += delta;
      return zeroValue;
    }
    int i = slot(key);
    while (true) {
      long k = keys[i];
      if (k == key) {
        values[i] += delta;
        return values[i];
      }
      if (k == FREE) {
        keys[i] = key;
        values[i] = delta;
        if (++size > resizeAt) {
          rehash(keys.length << 1);
        }
        return delta;
      }
      i = (i + 1) & mask;
    }
  }

  private int slot(long key) {
    // MurmurHash3 fmix64: pair keys are structured (hi << 32 | lo), so they need a strong mix.
    long h = key;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h & mask;
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    values = new int[capacity];
    mask = capacity - 1;
    resizeAt = capacity >= MAX_CAPACITY ? Integer.MAX_VALUE : (int) (capacity * LOAD_FACTOR);
  }

  private void rehash(int newCapacity) {
    if (newCapacity > MAX_CAPACITY) {
      throw new IllegalStateException("LongIntMap full: " + size + " keys");
    }
    long[] oldKeys = keys;
    int[] oldValues = values;
    allocate(newCapacity);
    for (int j = 0; j < oldKeys.length; j++) {
      long k = oldKeys[j];
      if (k != FREE) {
        int i = slot(k);
        while (keys[i] != FREE) {
          i = (i + 1) & mask;
        }
        keys[i] = k;
        values[i] = oldValues[j];
      }
    }
  }

  @Override
  public String toString() {
    return "LongIntMap[size=" + size + ", capacity=" + keys.length + "]";
  }
}
