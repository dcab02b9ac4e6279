package org.pocketlab;

import java.util.Arrays;
import java.util.List;
import org.pocketlab.config.InvalidSettingException;
import org.pocketlab.config.Settings;
import org.pocketlab.cohort.SeedCohortCommand;
import org.pocketlab.course.ImportCourseCommand;

/** Command line entry: {@code serve} (the default), {@code import-course FILE --out DIR} or {@code seed-cohort}. */
public final class Main {
  private static final String USAGE =
      "usage: pocketlab [serve] | pocketlab import-course FILE --out DIR [--id ID] | pocketlab seed-cohort [OPTIONS]";

  public static void main(String[] args) {
    // Read once by logback when the first logger is created; serve() may switch it to JSON.
    System.setProperty("logback.configurationFile", "logback-text.xml");
    List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
    String command = args.length == 0 ? "serve" : args[0];
    switch (command) {
      case "serve" -> serve();
      case "import-course" -> System.exit(ImportCourseCommand.run(rest, System.out, System.err));
      case "seed-cohort" -> System.exit(SeedCohortCommand.run(rest, System.getenv(), System.out, System.err));
      case "-h", "--help", "help" -> System.out.println(USAGE);
      default -> {
        System.err.println("pocketlab: unknown command '" + command + "'\n" + USAGE);
        System.exit(2);
      }
    }
  }

  private static void serve() {
    Settings settings;
    try {
      settings = Settings.fromEnvironment();
    } catch (InvalidSettingException e) {
      System.err.println("pocketlab: invalid setting " + e.getMessage());
      System.exit(2);
      return;
    }
    // Chosen before the first logger exists: logback reads this property once.
    System.setProperty("logback.configurationFile", "logback-" + settings.logFormat() + ".xml");
    try {
      PocketlabServer server = PocketlabServer.start(settings);
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "pocketlab-shutdown"));
    } catch (BootException e) {
      System.err.println("pocketlab: cannot start: " + e.getMessage());
      System.exit(1);
    }
  }
}
