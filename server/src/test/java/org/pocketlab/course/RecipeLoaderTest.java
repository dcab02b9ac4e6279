package org.pocketlab.course;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Labs: run recipes and exercises with their checks, read strictly, every mistake named by file and line. */
class RecipeLoaderTest {
  @TempDir Path root;
  Path labs;
  Course tiny;

  @BeforeEach
  void setUp() throws Exception {
    tiny = TestBooks.tiny();
    labs = Files.createDirectories(root.resolve("tiny"));
  }

  private RecipeLoader.Recipes load() throws Exception {
    return RecipeLoader.loadAll(root, List.of(tiny)).get("tiny");
  }

  private void write(String name, String text) throws Exception {
    Files.writeString(labs.resolve(name), text);
  }

  @Test
  void recipesExercisesAndCheckSupport() throws Exception {
    write("1.md", """
        ---
        card: 1
        ---
        ## Example 1

        Turns debugging on.

        ```file config/extra.py
        DEBUG = True
        ```

        ```run
        python manage.py check
        ```

        ## Exercise

        Turn it *off* again.

        ```check python
        import labcheck
        ```
        """);
    write("2.md", """
        ---
        card: 2
        ---
        ## Exercise

        Write a test.

        ```check
        test -f core/tests.py
        ```
        """);
    Files.createDirectories(labs.resolve("check-support"));
    Files.writeString(labs.resolve("check-support/labcheck.py"), "def fail(): pass\n");

    RecipeLoader.Recipes recipes = load();
    RunRecipe recipe = recipes.find(1, 1).orElseThrow();
    assertEquals("Turns debugging on.", recipe.description());
    assertEquals(List.of("config/extra.py"), recipe.paths());
    assertEquals("python manage.py check\n", recipe.script());

    Exercise first = recipes.exercise(1).orElseThrow();
    assertEquals(Exercise.Language.PYTHON, first.language());
    assertEquals("<p>Turn it <em>off</em> again.</p>\n", first.task().html());
    assertEquals("import labcheck\n", first.script());
    Exercise second = recipes.exercise(2).orElseThrow();
    assertEquals(Exercise.Language.BASH, second.language(), "a plain ```check is bash");
    assertEquals(java.util.Optional.empty(), recipes.find(2, 1), "a Q&A card may have an exercise only");
    assertEquals(java.util.Map.of("labcheck.py", "def fail(): pass\n"), recipes.checkSupport());
  }

  @Test
  void mistakesAreNamedByFileAndLine() throws Exception {
    assertError("---\ncard: 1\n---\n## Example 1\n\n```run\nls\n```\n\n```check\ntrue\n```\n",
        "tiny/1.md:10: a ```check block belongs under '## Exercise'");
    assertError("---\ncard: 1\n---\n## Exercise\n\nDo it.\n",
        "tiny/1.md:4: the exercise has no ```check block");
    assertError("---\ncard: 1\n---\n## Exercise\n\n```check\ntrue\n```\n",
        "tiny/1.md:4: the exercise has no task text");
    assertError("---\ncard: 1\n---\n## Exercise\n\nDo it.\n\n```file a.py\nx = 1\n```\n",
        "tiny/1.md:8: an exercise holds its task text and one ```check block");
    assertError("---\ncard: 1\n---\n## Exercise\n\nDo it.\n\n```check\ntrue\n```\n\n```check\ntrue\n```\n",
        "tiny/1.md:12: the exercise has a second ```check block");
    assertError("---\ncard: 1\n---\n## Exercise\n\nA.\n\n```check\ntrue\n```\n## Exercise\n\nB.\n",
        "tiny/1.md:11: a second '## Exercise'");
    assertError("---\ncard: 1\n---\n## Exercise\n\nA.\n\n```check ruby\nputs 1\n```\n",
        "tiny/1.md:8: expected ```file <path>, ```run or ```check [bash|python], found '```check ruby'");
  }

  @Test
  void checkSupportHoldsPlainFilesOnly() throws Exception {
    Files.createDirectories(labs.resolve("check-support/nested"));
    CourseFormatException e = assertThrows(CourseFormatException.class, this::load);
    assertEquals("tiny/check-support/nested: expected plain files with simple names here", e.getMessage());
  }

  private void assertError(String lab, String message) throws Exception {
    write("1.md", lab);
    CourseFormatException e = assertThrows(CourseFormatException.class, this::load);
    assertEquals(message, e.getMessage());
  }
}
