/**
 * A/B experiments: which arm a user is in ({@link io.kerec.experiment.Experiments}, a pure function of the
 * configuration and the user id, the same on every instance) and the statistics of an experiment's report
 * ({@link io.kerec.experiment.ExperimentReport}). A library used by the api and ingest verticles, not a verticle.
 */
package io.kerec.experiment;
