/**
 * JanusGraph implementation of {@link io.kerec.graph.GraphStore} and the versioned schema loader for
 * {@code graph-schema/}. Blocking: call from worker threads only.
 */
package io.kerec.graph.impl;
