package io.kerec.rank;

import ai.djl.Device;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** {@link EeiModel#score} of one request of 200 candidates, model trained on synthetic rows, DJL on CPU. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ScoreBenchmark {
  private EeiModel model;
  private float[][] rows;

  @Setup(Level.Trial)
  public void train() {
    Synthetic data = Synthetic.generate(8_000, 1);
    model = EeiModel.create(Device.cpu());
    model.train(data.features, data.labels, TrainOptions.defaults().withEpochs(2).withSeed(11));
    rows = Synthetic.generate(200, 2).features;
  }

  @Benchmark
  public float[] score200() {
    return model.score(rows);
  }

  @TearDown(Level.Trial)
  public void close() {
    model.close();
  }
}
