package io.kerec.experiment;

import io.kerec.config.ExperimentOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The running A/B experiments and which arm each user is in. A user's arm in an experiment is a pure function of
 * (salt, experiment name, user id): the first 8 bytes of their SHA-256 read as a fraction of 2^64, laid over the
 * arms' cumulative weights. It needs no state, so every instance, before and after a restart, puts a user in the
 * same arm, and experiments with different salts split users independently of each other.
 */
public final class Experiments {
  /** No experiment runs. */
  public static final Experiments NONE = new Experiments(List.of());

  private final List<ExperimentOptions> experiments;

  public Experiments(List<ExperimentOptions> experiments) {
    this.experiments = List.copyOf(experiments);
  }

  /** One user's arm in one experiment. */
  public record Assigned(String experiment, ExperimentOptions.Arm arm) {
  }

  /** Whether any experiment runs. */
  public boolean running() {
    return !experiments.isEmpty();
  }

  /** The experiments, in configuration order. */
  public List<ExperimentOptions> all() {
    return experiments;
  }

  /** The experiment of that name. */
  public Optional<ExperimentOptions> find(String name) {
    return experiments.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /** The user's arm in every running experiment, in configuration order (empty when none runs). */
  public List<Assigned> assign(String userId) {
    List<Assigned> out = new ArrayList<>(experiments.size());
    for (ExperimentOptions e : experiments) {
      out.add(new Assigned(e.name(), arm(e, userId)));
    }
    return out;
  }

  /** Experiment name → the user's arm name, for every running experiment (what an event is stored with). */
  public Map<String, String> armNames(String userId) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ExperimentOptions e : experiments) {
      out.put(e.name(), arm(e, userId).name());
    }
    return out;
  }

  /**
   * What the user's arms change: for each setting, the override of the first experiment (in configuration order)
   * whose arm sets it.
   */
  public ExperimentOptions.Overrides overrides(String userId) {
    String rank = null;
    Integer freshSlots = null;
    Integer maxCandidates = null;
    List<String> complementSources = null;
    Integer newArrivalSlots = null;
    for (ExperimentOptions e : experiments) {
      ExperimentOptions.Overrides o = arm(e, userId).overrides();
      rank = rank != null ? rank : o.rank();
      freshSlots = freshSlots != null ? freshSlots : o.freshSlots();
      maxCandidates = maxCandidates != null ? maxCandidates : o.maxCandidates();
      complementSources = complementSources != null ? complementSources : o.complementSources();
      newArrivalSlots = newArrivalSlots != null ? newArrivalSlots : o.newArrivalSlots();
    }
    return new ExperimentOptions.Overrides(rank, freshSlots, maxCandidates, complementSources, newArrivalSlots);
  }

  /** The user's arm in one experiment. */
  public static ExperimentOptions.Arm arm(ExperimentOptions experiment, String userId) {
    double total = experiment.arms().stream().mapToDouble(ExperimentOptions.Arm::weight).sum();
    double point = unit(experiment.salt(), experiment.name(), userId) * total;
    double upTo = 0;
    for (ExperimentOptions.Arm arm : experiment.arms()) {
      upTo += arm.weight();
      if (point < upTo) {
        return arm;
      }
    }
    return experiment.arms().get(experiment.arms().size() - 1);
  }

  /** A uniform number in [0, 1) fixed by (salt, experiment, user id). */
  static double unit(String salt, String experiment, String userId) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    // lengths first, so that ("ab", "c") and ("a", "bc") hash apart
    for (String part : new String[] {salt, experiment, userId}) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
      sha.update(bytes);
    }
    long bits = ByteBuffer.wrap(sha.digest()).getLong() >>> 11; // 53 random bits
    return bits / (double) (1L << 53);
  }
}
