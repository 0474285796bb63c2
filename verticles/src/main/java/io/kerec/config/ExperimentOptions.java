package io.kerec.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One A/B experiment: users are split over its {@code arms} by a deterministic hash of ({@code salt}, {@code name},
 * user id) weighted by each arm's {@code weight} (0: an arm prepared but given no users yet), so a user keeps their arm across restarts and instances, and two
 * experiments with different salts split users independently. Each arm may override how its users' recommendations
 * are made ({@link Overrides}); the first arm is the control the others are compared with.
 */
public record ExperimentOptions(String name, String salt, List<Arm> arms) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** An arm: its name, its share of users (relative to the other arms' weights) and its overrides. */
  public record Arm(String name, double weight, Overrides overrides) {
    /** The overrides, never null. */
    public Overrides overrides() {
      return overrides == null ? Overrides.NONE : overrides;
    }
  }

  /**
   * What an arm changes for its users, each null when it keeps the engine's setting: {@code rank} {@code "model"}
   * (the E-E-I model, the default) or {@code "base"} (the graph's recall score alone, no model); {@code freshSlots}
   * (how many of the top-k never-sold items may take); {@code maxCandidates} (how many recall candidates rank sees);
   * {@code complementSources} (the providers whose verdicts' edges the complementary channel follows, e.g.
   * {@code ["openai", "knowledge"]} to test an LLM-judged graph against the whole one); {@code newArrivalSlots} (how
   * many of the top-k are kept for items first sold in the last 30 days).
   */
  public record Overrides(String rank, Integer freshSlots, Integer maxCandidates, List<String> complementSources,
                          Integer newArrivalSlots) {
    /** No override. */
    public static final Overrides NONE = new Overrides(null, null, null, null, null);

    /** Overrides of the rank, the fresh slots and the candidates only. */
    public Overrides(String rank, Integer freshSlots, Integer maxCandidates) {
      this(rank, freshSlots, maxCandidates, null, null);
    }

    /** Overrides of all but the new-arrival slots. */
    public Overrides(String rank, Integer freshSlots, Integer maxCandidates, List<String> complementSources) {
      this(rank, freshSlots, maxCandidates, complementSources, null);
    }

    void validate(String key) {
      if (rank != null) {
        Require.oneOf(key + ".rank", rank, "model", "base");
      }
      if (freshSlots != null) {
        Require.range(key + ".freshSlots", freshSlots, 0, 100);
      }
      if (maxCandidates != null) {
        Require.range(key + ".maxCandidates", maxCandidates, 1, 100_000);
      }
      if (newArrivalSlots != null) {
        Require.range(key + ".newArrivalSlots", newArrivalSlots, 0, 100);
      }
      if (complementSources != null) {
        if (complementSources.isEmpty()) {
          throw new ConfigException(key + ".complementSources", "name at least one provider, or leave it out");
        }
        for (int i = 0; i < complementSources.size(); i++) {
          Require.nonBlank(key + ".complementSources[" + i + "]", complementSources.get(i));
        }
      }
    }
  }

  static void validateAll(List<ExperimentOptions> experiments) {
    if (experiments == null) {
      throw new ConfigException("experiments", "must be a list (empty when no experiment runs)");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < experiments.size(); i++) {
      String key = "experiments[" + i + "]";
      ExperimentOptions e = experiments.get(i);
      if (e == null) {
        throw new ConfigException(key, "must be an object");
      }
      e.validate(key);
      if (!names.add(e.name())) {
        throw new ConfigException(key + ".name", "experiment '" + e.name() + "' is named twice");
      }
    }
  }

  void validate(String key) {
    Require.nonBlank(key + ".name", name);
    if (!NAME.matcher(name).matches()) {
      throw new ConfigException(key + ".name", "must be 1-64 letters, digits, '.', '_' or '-'");
    }
    Require.nonBlank(key + ".salt", salt);
    if (arms == null || arms.size() < 2) {
      throw new ConfigException(key + ".arms", "an experiment needs at least two arms");
    }
    Set<String> armNames = new HashSet<>();
    for (int j = 0; j < arms.size(); j++) {
      String armKey = key + ".arms[" + j + "]";
      Arm arm = arms.get(j);
      if (arm == null) {
        throw new ConfigException(armKey, "must be an object");
      }
      Require.nonBlank(armKey + ".name", arm.name());
      if (!NAME.matcher(arm.name()).matches()) {
        throw new ConfigException(armKey + ".name", "must be 1-64 letters, digits, '.', '_' or '-'");
      }
      if (!armNames.add(arm.name())) {
        throw new ConfigException(armKey + ".name", "arm '" + arm.name() + "' is named twice");
      }
      if (!(arm.weight() >= 0) || arm.weight() > 1_000_000) {
        throw new ConfigException(armKey + ".weight", "must be a number from 0 (no users yet) up, a share relative"
            + " to the others");
      }
      arm.overrides().validate(armKey + ".overrides");
    }
    if (arms.stream().mapToDouble(Arm::weight).sum() <= 0) {
      throw new ConfigException(key + ".arms", "at least one arm needs a weight above 0");
    }
  }

  /** This experiment with every user in {@code armName} (the other arms weigh 0), e.g. to replay one arm offline. */
  public ExperimentOptions only(String armName) {
    if (arms.stream().noneMatch(a -> a.name().equals(armName))) {
      throw new IllegalArgumentException("experiment " + name + " has no arm " + armName);
    }
    return new ExperimentOptions(name, salt, arms.stream()
        .map(a -> new Arm(a.name(), a.name().equals(armName) ? 1 : 0, a.overrides())).toList());
  }
}
