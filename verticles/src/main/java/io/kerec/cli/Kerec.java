package io.kerec.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kerec} command line. */
@Command(name = "kerec", mixinStandardHelpOptions = true, version = "kerec 0.1.0",
    description = "Complementary-item recommendation engine with an LLM-inferred knowledge graph (LLM-KERec).",
    subcommands = {ServeCommand.class, ImportCommand.class, EvalCommand.class, JudgeCommand.class,
        TrainCommand.class, DeadLettersCommand.class, GraphCommand.class, PostgresCommand.class,
        CassandraCommand.class})
public final class Kerec {
  /** Entry point. */
  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Kerec());
    int code = cli.execute(args);
    if (code != ServeCommand.KEEP_RUNNING) {
      System.exit(code);
    }
  }
}
