/**
 * Offline evaluation: everything but running the engine.
 *
 * <ul>
 *   <li>{@link io.kerec.eval.EvalCases#build} turns a time split into {@link io.kerec.eval.EvalCase}s under
 *       an {@link io.kerec.eval.EvalProtocol} ({@code period}: one case per user at the cut; {@code basket}:
 *       one case per test invoice, with the purchases to feed the engine before it).</li>
 *   <li>{@link io.kerec.eval.Metrics} (HR, Recall, NDCG at k) and {@link io.kerec.eval.MetricsAccumulator}
 *       (means over cases, coverage, cold and warm slices) give a {@link io.kerec.eval.MethodMetrics}.</li>
 *   <li>{@link io.kerec.eval.Baseline}s ({@link io.kerec.eval.Baselines#all()}: popularity,
 *       recent-popularity, cooccurrence, itemknn) and {@link io.kerec.eval.BaselineRunner} to score them.</li>
 *   <li>{@link io.kerec.eval.EvalReport} writes {@code report.json}, {@code report.md} and PNG charts.</li>
 * </ul>
 *
 * <p>An engine runner builds the cases, then for each case (in order) feeds {@link
 * io.kerec.eval.EvalCase#feedBefore()} to the engine, asks it for the top k of {@link
 * io.kerec.eval.EvalCase#userId()} excluding {@link io.kerec.eval.EvalCase#bought()}, and adds the answer to a
 * {@link io.kerec.eval.MetricsAccumulator} per k; it sets the seconds, adds the results to an
 * {@link io.kerec.eval.EvalReport} next to the baselines' and writes it.
 */
package io.kerec.eval;
