package org.pocketlab.db;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs PostgreSQL's programs with a time limit, their output appended to the server log. */
final class ToolRunner {

  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private final Path workDir;
  private final ServerLog log;
  private final ServerUser serverUser;
  private final Duration timeout;

  ToolRunner(Path workDir, ServerLog log, ServerUser serverUser, Duration timeout) {
    this.workDir = workDir;
    this.log = log;
    this.serverUser = serverUser;
    this.timeout = timeout;
  }

  /** initdb, pg_ctl and postgres refuse root: they run as the server user. */
  Result runAsServerUser(List<String> command) {
    return run(serverUser.wrap(command), Map.of(), command);
  }

  /** Client programs (createdb) run as we are; {@code env} carries e.g. PGPASSWORD. */
  Result runAsClient(List<String> command, Map<String, String> env) {
    return run(command, env, command);
  }

  private Result run(List<String> command, Map<String, String> env, List<String> shownCommand) {
    String name = Path.of(shownCommand.get(0)).getFileName().toString();
    long offset = log.size();
    log.note("$ " + String.join(" ", shownCommand));
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workDir.toFile()) // the server user may not be able to enter our working directory
        .redirectErrorStream(true)
        .redirectOutput(Redirect.appendTo(log.file().toFile()));
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(key -> key.startsWith("PG")); // no stray PGHOST, PGDATA, PGPASSFILE...
    environment.put("LC_ALL", "C"); // untranslated messages, so "already exists" can be recognised
    environment.putAll(env);
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw log.failure(name + " did not finish within " + timeout.toSeconds() + " s and was killed");
      }
      return new Result(process.exitValue(), log.since(offset));
    } catch (IOException e) {
      throw log.failure("Could not run " + command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + name, e);
    }
  }
}
