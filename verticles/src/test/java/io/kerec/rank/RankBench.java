package io.kerec.rank;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Throughput and latency figures for the report; not a correctness test. Run with
 * {@code mvn -q -B -o test -pl verticles -Dtest=io.kerec.rank.RankBench -Dkerec.bench=true}.
 */
@EnabledIfSystemProperty(named = "kerec.bench", matches = "true")
class RankBench {

  @Test
  void measure() throws Exception {
    Synthetic data = Synthetic.generate(40_000, 1);
    Synthetic probe = Synthetic.generate(2_000, 2);
    System.out.printf("threads: intra-op=%s%n", System.getProperty("ai.djl.pytorch.num_threads"));
    try (EeiModel model = EeiModel.create(Device.cpu())) {
      TrainingReport r = model.train(data.features, data.labels,
          TrainOptions.defaults().withEpochs(5));
      System.out.printf("train: %d rows, %d samples seen, %d ms, %.0f samples/s, final AUC %.4f%n",
          r.trainRows(), r.samplesSeen(), r.trainMillis(), r.samplesPerSecond(), r.finalAuc());
      for (int b : new int[] {256, 1024}) {
        try (EeiModel m2 = EeiModel.create(Device.cpu())) {
          TrainingReport r2 = m2.train(data.features, data.labels,
              TrainOptions.defaults().withEpochs(5).withBatchSize(b));
          System.out.printf("train batch %d: %.0f samples/s, final AUC %.4f%n", b,
              r2.samplesPerSecond(), r2.finalAuc());
        }
      }
      double[] freshTrain = new double[1];
      Thread trainer = new Thread(() -> {
        try (EeiModel m3 = EeiModel.create(Device.cpu())) {
          freshTrain[0] = m3.train(data.features, data.labels,
              TrainOptions.defaults().withEpochs(5)).samplesPerSecond();
        }
      });
      trainer.start();
      trainer.join();
      System.out.printf("train batch 256 on a fresh thread: %.0f samples/s%n", freshTrain[0]);
      for (int rows : new int[] {1, 200, 1000, 2000}) {
        float[][] batch = Arrays.copyOf(probe.features, rows);
        long[] perCall = time(400, () -> model.score(batch));
        long[] shared;
        try (Predictor<EeiModel.Rows, float[]> p = model.djlModel().newPredictor(model.translator())) {
          Object lock = new Object();
          shared = time(400, () -> {
            synchronized (lock) {
              p.predict(model.prepare(batch));
            }
          });
        }
        System.out.printf("score %4d rows: score() p50 %.3f ms p90 %.3f ms | shared predictor "
            + "p50 %.3f ms p90 %.3f ms%n", rows, ms(perCall, 50), ms(perCall, 90),
            ms(shared, 50), ms(shared, 90));
      }
      for (int rows : new int[] {200, 1000}) {
        float[][] batch = Arrays.copyOf(probe.features, rows);
        long[][] holder = new long[1][];
        Thread t = new Thread(() -> {
          try {
            holder[0] = time(400, () -> model.score(batch));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        t.start();
        t.join();
        System.out.printf("score %4d rows on a fresh thread: p50 %.3f ms p90 %.3f ms%n", rows,
            ms(holder[0], 50), ms(holder[0], 90));
      }
      // two concurrent callers, 1000 rows
      float[][] batch = Arrays.copyOf(probe.features, 1000);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      long start = System.nanoTime();
      for (int t = 0; t < 2; t++) {
        pool.submit(() -> {
          for (int i = 0; i < 300; i++) {
            model.score(batch);
          }
        });
      }
      pool.shutdown();
      pool.awaitTermination(5, TimeUnit.MINUTES);
      double secs = (System.nanoTime() - start) / 1e9;
      System.out.printf("2 threads x 300 calls x 1000 rows: %.0f calls/s%n", 600 / secs);
    }
  }

  interface Task {
    void run() throws Exception;
  }

  static long[] time(int calls, Task task) throws Exception {
    for (int i = 0; i < 50; i++) {
      task.run();
    }
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      long t0 = System.nanoTime();
      task.run();
      nanos[i] = System.nanoTime() - t0;
    }
    Arrays.sort(nanos);
    return nanos;
  }

  static double ms(long[] sorted, int percentile) {
    return sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)] / 1e6;
  }
}
