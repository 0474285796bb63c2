package io.kerec.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a data directory ({@code <dataDir>/kerec.lock}, an OS file lock that the kernel releases
 * when the holding process dies, however it dies). One process at a time owns the embedded PostgreSQL of a data
 * directory; a second engine started on it is refused instead of stopping the first one's database, and tools
 * attach to the running engine's server instead of starting their own.
 */
public final class DataDirLock implements AutoCloseable {
  static final String FILE = "kerec.lock";
  /**
   * Lock files this JVM holds. POSIX record locks belong to the process, and closing any descriptor of the file
   * drops them all (see {@link FileLock}), so this JVM never opens a file it already locks.
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, or fails with a {@link StoreException} that names the process holding it. */
  public static DataDirLock acquire(Path dataDir) {
    DataDirLock lock = tryAcquire(dataDir);
    if (lock == null) {
      throw new StoreException("the data directory " + dataDir.toAbsolutePath().normalize()
          + " is in use by another Kerec process" + holder(dataDir)
          + ": stop it first, or give this one another --data directory", null);
    }
    return lock;
  }

  /** Takes the lock, or returns null when another process (or another engine in this JVM) holds it. */
  public static DataDirLock tryAcquire(Path dataDir) {
    Path file = dataDir.toAbsolutePath().normalize().resolve(FILE);
    if (!HELD.add(file)) {
      return null;
    }
    FileChannel channel = null;
    try {
      Files.createDirectories(dataDir);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldInThisJvm) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        HELD.remove(file);
        return null;
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      channel.force(true);
      return new DataDirLock(file, channel, lock);
    } catch (IOException e) {
      HELD.remove(file);
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // reported below
        }
      }
      throw new StoreException("cannot lock " + file + ": " + e.getMessage(), e);
    }
  }

  /** " (pid N)" for the process that wrote the lock file last, or "" when unknown. */
  static String holder(Path dataDir) {
    Path file = dataDir.toAbsolutePath().normalize().resolve(FILE);
    if (HELD.contains(file)) {
      return " (pid " + ProcessHandle.current().pid() + ", this process)";
    }
    try {
      String pid = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return pid.matches("\\d+") ? " (pid " + pid + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // the lock goes with the channel (and with the process) either way
    } finally {
      HELD.remove(file);
    }
  }
}
