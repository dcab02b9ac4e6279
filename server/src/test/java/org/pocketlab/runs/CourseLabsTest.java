package org.pocketlab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pocketlab.FileTrees;
import org.pocketlab.course.Card;
import org.pocketlab.course.Course;
import org.pocketlab.course.CourseLoader;
import org.pocketlab.course.Exercise;
import org.pocketlab.course.RecipeLoader;
import org.pocketlab.course.RunRecipe;
import org.pocketlab.sandbox.ExecSpec;
import org.pocketlab.sandbox.ExitStatus;
import org.pocketlab.sandbox.SandboxId;
import org.pocketlab.sandbox.SandboxProcess;
import org.pocketlab.sandbox.SandboxSettings;
import org.pocketlab.sandbox.local.LocalSandboxRuntime;
import org.pocketlab.testsupport.TestServer;

/**
 * Every card of the Django course in a real local sandbox, each in a fresh copy of the starter project: its
 * check fails on the untouched starter, every recipe runs green, the check still fails after the recipes
 * (running the examples is not the exercise), and passes once the reference solution kept with the tests
 * ({@code lab-solutions/<card>/}: files copied over the workspace, then {@code solve.sh}) is applied. And
 * all recipes, in course order, in one workspace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CourseLabsTest {
  private static final String COURSE = "django-pocket-book";
  /** The production defaults: recipes and checks must fit the limits learners have. */
  private static final SandboxSettings SETTINGS = new SandboxSettings(
      SandboxSettings.RuntimeKind.LOCAL, 30, 512, 128, 100, 60, 64, 256, 1024);
  private static final Path SOLUTIONS = TestServer.repoRoot().resolve("server/src/test/resources/lab-solutions");

  private Vertx vertx;
  private LocalSandboxRuntime runtime;
  private Path dataDir;
  private Course course;
  private RecipeLoader.Recipes labs;

  @BeforeAll
  void start() throws Exception {
    course = CourseLoader.loadBundled().stream().filter(c -> c.id().equals(COURSE)).findFirst().orElseThrow();
    labs = RecipeLoader.loadBundled(List.of(course)).get(COURSE);
    vertx = Vertx.vertx();
    dataDir = Files.createTempDirectory("pocketlab-labs",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    runtime = await(LocalSandboxRuntime.create(vertx, SETTINGS, dataDir,
        TestServer.repoRoot().resolve("sandbox-images/django/starter")));
  }

  @AfterAll
  void stop() throws IOException {
    if (runtime != null) await(runtime.close());
    if (vertx != null) await(vertx.close());
    if (dataDir != null) FileTrees.delete(dataDir);
  }

  /** All 50; {@code -Dpocketlab.labCards=11-19} runs a few while writing labs. */
  Stream<Integer> cards() {
    String[] range = System.getProperty("pocketlab.labCards", "1-50").split("-");
    return IntStream.rangeClosed(Integer.parseInt(range[0]), Integer.parseInt(range[range.length - 1])).boxed();
  }

  @Test
  void everyCardHasAnExerciseAndEveryExampleARecipe() {
    assertEquals(50, course.cards().size());
    for (Card card : course.cards()) {
      assertTrue(labs.exercise(card.number()).isPresent(), "card " + card.number() + " has no exercise");
      card.examples().forEach(example -> assertTrue(labs.find(card.number(), example.index()).isPresent(),
          "card " + card.number() + " example " + example.index() + " has no recipe"));
    }
    assertTrue(labs.checkSupport().containsKey("labcheck.py"), "the checks' helper module is bundled");
  }

  @ParameterizedTest(name = "card {0}")
  @MethodSource("cards")
  void recipesRunGreenAndTheCheckTellsTheSolutionFromTheStarter(int number) throws IOException {
    Card card = course.card(number).orElseThrow();
    Exercise exercise = labs.exercise(number).orElseThrow();
    SandboxId id = new SandboxId("card-" + number, COURSE);
    await(runtime.ensure(id));
    try {
      CheckResult onStarter = check(id, exercise);
      assertFalse(onStarter.passed(), "card " + number + ": the check passes on the untouched starter");
      assertTrue(onStarter.reason().length() > 10, "card " + number + ": no reason given: " + onStarter.output());

      for (var example : card.examples()) {
        RunRecipe recipe = labs.find(number, example.index()).orElseThrow();
        Run run = run(id, RunScript.of(recipe));
        assertTrue(run.exit().succeeded(), "card " + number + " example " + example.index() + ": "
            + run.exit().describe() + "\n" + run.output());
      }
      CheckResult afterRecipes = check(id, exercise);
      assertFalse(afterRecipes.passed(), "card " + number + ": running the examples already passes the check");

      Run solved = run(id, solution(number));
      assertTrue(solved.exit().succeeded(), "card " + number + ": the reference solution did not apply\n" + solved.output());
      CheckResult onSolution = check(id, exercise);
      assertTrue(onSolution.passed(), "card " + number + ": the check fails on the reference solution: "
          + onSolution.reason() + "\n" + onSolution.output());
    } finally {
      await(runtime.stop(id));
    }
  }

  /** As a learner who clicks every Run from card 1 to 50: what a card adds must not break a later one. */
  @Test
  void everyRecipeRunsInCourseOrderInOneWorkspace() {
    SandboxId id = new SandboxId("all-cards", COURSE);
    await(runtime.ensure(id));
    try {
      for (Card card : course.cards()) {
        for (var example : card.examples()) {
          Run run = run(id, RunScript.of(labs.find(card.number(), example.index()).orElseThrow()));
          assertTrue(run.exit().succeeded(), "card " + card.number() + " example " + example.index()
              + " after all earlier cards: " + run.exit().describe() + "\n" + run.output());
        }
      }
    } finally {
      await(runtime.stop(id));
    }
  }

  private CheckResult check(SandboxId id, Exercise exercise) {
    Run run = run(id, CheckScript.of(exercise, labs.checkSupport()));
    return CheckResult.of(run.exit(), run.output());
  }

  /** A script that copies {@code lab-solutions/<card>/workspace/} over the workspace, then runs solve.sh. */
  private static String solution(int card) throws IOException {
    Path dir = SOLUTIONS.resolve(String.valueOf(card));
    assertTrue(Files.isDirectory(dir), "no reference solution for card " + card + " in " + dir);
    StringBuilder script = new StringBuilder("set -e -o pipefail\n");
    Path files = dir.resolve("workspace");
    if (Files.isDirectory(files)) {
      List<Path> all;
      try (Stream<Path> walk = Files.walk(files)) {
        all = walk.filter(Files::isRegularFile).sorted().toList();
      }
      for (Path file : all) {
        RunScript.writeFile(script, files.relativize(file).toString(), Files.readString(file, StandardCharsets.UTF_8));
      }
    }
    Path solve = dir.resolve("solve.sh");
    if (Files.exists(solve)) script.append(Files.readString(solve, StandardCharsets.UTF_8));
    return script.toString();
  }

  record Run(String output, ExitStatus exit) {}

  private Run run(SandboxId id, String script) {
    SandboxProcess process = await(runtime.exec(id, ExecSpec.of("bash", "-c", script)));
    process.input().end();
    List<String> chunks = new ArrayList<>();
    Utf8Stream text = new Utf8Stream();
    CompletableFuture<String> ended = new CompletableFuture<>();
    process.output().handler(chunk -> chunks.add(text.decode(chunk)))
        .endHandler(v -> ended.complete(String.join("", chunks) + text.finish()));
    ExitStatus exit = await(process.exit());
    return new Run(await(Future.fromCompletionStage(ended)), exit);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
