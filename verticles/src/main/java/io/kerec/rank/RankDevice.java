package io.kerec.rank;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;

/**
 * Chooses the DJL device the rank model runs on.
 *
 * <p><b>Offline guarantee.</b> DJL downloads native libraries and JNI glue on demand unless the
 * system property {@value #OFFLINE_PROPERTY} is {@code true}. This class sets it to {@code true} in
 * its static initializer when it is absent (an explicit value, e.g. {@code -Dai.djl.offline=false},
 * is respected). Every class of this package that touches DJL first calls {@link #ensureOffline()},
 * so the property is in place before the engine loads, provided no other code in the JVM loaded a
 * DJL engine earlier. The PyTorch CPU native library comes from the {@code pytorch-native-cpu}
 * jar on the classpath; with the property set a missing library fails loudly instead of being
 * fetched from the internet.
 *
 * <p><b>Threads.</b> The same initializer sets PyTorch's intra-op and inter-op thread counts
 * ({@value #THREADS_PROPERTY}, {@value #INTEROP_THREADS_PROPERTY}) to 1 when absent. The rank MLP
 * is far too small to gain from splitting one matrix product across cores; parallelism comes from
 * concurrent callers instead. Measured on a loaded 2-core machine, the engine default (one OpenMP
 * thread per core) made training about 10 times slower and put p90 scoring latency in the tens of
 * milliseconds, because OpenMP workers spin while other processes hold the cores. Set the
 * properties explicitly (e.g. on a dedicated many-core host) to override. PyTorch applies the
 * intra-op count only to the thread that loads the engine (OpenMP keeps it per thread; a new
 * thread starts with one OpenMP thread per core), so {@link EeiModel} re-applies it, once per
 * thread, on every thread that trains or scores (see {@link #prepareCurrentThread()}).
 *
 * <p>Preference values: {@code auto} (GPU 0 when the PyTorch engine reports a GPU, else CPU),
 * {@code cpu}, {@code gpu} (GPU 0, or {@link DeviceUnavailableException} when there is none).
 */
public final class RankDevice {

  /** DJL engine used by the rank package. */
  public static final String ENGINE = "PyTorch";
  /** System property that forbids DJL downloads. */
  public static final String OFFLINE_PROPERTY = "ai.djl.offline";

  /** System property: PyTorch intra-op threads (read once, when the engine loads). */
  public static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
  /** System property: PyTorch inter-op threads (read once, when the engine loads). */
  public static final String INTEROP_THREADS_PROPERTY = "ai.djl.pytorch.num_interop_threads";

  static {
    setIfAbsent(OFFLINE_PROPERTY, "true");
    setIfAbsent(THREADS_PROPERTY, "1");
    setIfAbsent(INTEROP_THREADS_PROPERTY, "1");
  }

  private static final ThreadLocal<Boolean> THREAD_PREPARED = ThreadLocal.withInitial(() -> false);

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Device preference, as configured. */
  public enum Preference {
    /** GPU when available, else CPU. */
    AUTO,
    /** Always the CPU. */
    CPU,
    /** GPU 0; fail when there is none. */
    GPU;

    /**
     * Parses {@code "auto"}, {@code "cpu"} or {@code "gpu"} (case-insensitive, surrounding blanks
     * ignored); {@code null} or blank means {@link #AUTO}.
     *
     * @param value the configured value
     * @return the preference
     * @throws IllegalArgumentException for any other value
     */
    public static Preference parse(String value) {
      if (value == null || value.isBlank()) {
        return AUTO;
      }
      switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "auto":
          return AUTO;
        case "cpu":
          return CPU;
        case "gpu":
          return GPU;
        default:
          throw new IllegalArgumentException(
              "rank device must be auto, cpu or gpu, got '" + value + "'");
      }
    }
  }

  private RankDevice() {
  }

  /**
   * Makes sure the offline property is set (by initialising this class). Call it before any other
   * DJL class is used.
   *
   * @return {@code true} when DJL runs offline
   */
  public static boolean ensureOffline() {
    return Boolean.parseBoolean(System.getProperty(OFFLINE_PROPERTY));
  }

  /**
   * Applies {@value #THREADS_PROPERTY} to the calling thread, once per thread. Without it a thread
   * other than the one that loaded the engine runs PyTorch ops with one OpenMP thread per core;
   * on a busy 2-core machine that turned a 0.2 ms scoring call into 16 ms.
   */
  static void prepareCurrentThread() {
    if (THREAD_PREPARED.get()) {
      return;
    }
    engine();
    Integer threads = Integer.getInteger(THREADS_PROPERTY);
    if (threads != null && threads > 0 && JniUtils.getNumThreads() != threads) {
      JniUtils.setNumThreads(threads);
    }
    THREAD_PREPARED.set(true);
  }

  /**
   * Loads (on first call) and returns the PyTorch engine.
   *
   * @return the engine
   * @throws DeviceUnavailableException when the engine or its native library cannot be loaded
   */
  public static Engine engine() {
    ensureOffline();
    try {
      return Engine.getEngine(ENGINE);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw new DeviceUnavailableException(
          "DJL engine " + ENGINE + " is not available (offline=" + ensureOffline() + "): " + e);
    }
  }

  /**
   * @return the number of GPUs the PyTorch engine can use (0 with the CPU native library)
   */
  public static int gpuCount() {
    return engine().getGpuCount();
  }

  /**
   * Chooses the device for a configured preference string.
   *
   * @param preference {@code auto}, {@code cpu} or {@code gpu}; {@code null}/blank means auto
   * @return the device
   * @throws IllegalArgumentException for an unknown preference
   * @throws DeviceUnavailableException when a GPU is required but absent
   */
  public static Device choose(String preference) {
    return choose(Preference.parse(preference));
  }

  /**
   * Chooses the device for a preference.
   *
   * @param preference the preference
   * @return {@code Device.gpu(0)} or {@code Device.cpu()}
   * @throws DeviceUnavailableException when {@link Preference#GPU} is asked for and the engine
   *     reports no GPU
   */
  public static Device choose(Preference preference) {
    switch (preference) {
      case CPU:
        engine();
        return Device.cpu();
      case GPU: {
        int gpus = gpuCount();
        if (gpus <= 0) {
          throw new DeviceUnavailableException(
              "rank device 'gpu' requested but the " + ENGINE + " engine reports no GPU "
                  + "(the CPU-only native library is on the classpath, or no CUDA device is "
                  + "visible); use 'auto' or 'cpu'");
        }
        return Device.gpu(0);
      }
      case AUTO:
      default:
        return gpuCount() > 0 ? Device.gpu(0) : Device.cpu();
    }
  }
}
