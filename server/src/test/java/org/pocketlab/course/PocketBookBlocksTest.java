package org.pocketlab.course;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Code versus prose, and the language of each example. */
class PocketBookBlocksTest {

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', textBlock = """
      # settings.py                                    | COMMENT
      python -m django --version                       | SHELL
      pip-compile && pip-sync                          | SHELL
      echo "Django==5.0.*" >> requirements.in          | SHELL
      django-admin startproject config .               | SHELL
      pre-commit install                               | SHELL
      $ pytest -q                                      | SHELL
      from django.urls import path                     | PYTHON
      from . import views                              | PYTHON
      import httpx, backoff                            | PYTHON
      @admin.register(User)                            | PYTHON
      class UserAdmin(admin.ModelAdmin):               | PYTHON
      async def joke(_):                               | PYTHON
      users = User.objects.filter(email='x')           | PYTHON
      DATABASES["default"]["CONN_MAX_AGE"] = 60        | PYTHON
      User.objects.select_related("profile")           | PYTHON
      source = 'x'                                     | PYTHON
      {% load i18n %}                                  | TEMPLATE
      <p>{{ user.name }}</p>                           | TEMPLATE
      FROM python:3.12-slim                            | DOCKERFILE
      RUN pip install -r requirements.txt              | DOCKERFILE
      COPY . .                                         | DOCKERFILE
      USER = 'x'                                       | PYTHON
      CREATE EXTENSION pg_trgm;                        | SQL
      SELECT * FROM users WHERE id = 1                 | SQL
      Map URLs early; keep views slim; push work.      | OTHER
      Use User.objects.all() to list users.            | OTHER
      "    return JsonResponse({})"                    | OTHER
      )                                                | OTHER
      "  • Env-driven settings"                        | OTHER
      """)
  void lineKinds(String line, CodeLines.Kind kind) {
    assertEquals(kind, CodeLines.kindOf(line));
  }

  @Test
  void firstParagraphIsAlwaysProse() {
    List<Block> blocks = blocks("pip install django");
    assertEquals(List.of(Markdown.prose("pip install django")), blocks);
  }

  @Test
  void commentsGoWithTheLinesTheyIntroduce() {
    List<Block> blocks = blocks("Intro.",
        "# Install\npip install djangorestframework\n# settings.py\nINSTALLED_APPS += [\"rest_framework\"]");
    assertEquals(List.of(Markdown.prose("Intro."),
        new Example(1, "shell", "# Install\npip install djangorestframework"),
        new Example(2, "settings", "# settings.py\nINSTALLED_APPS += [\"rest_framework\"]")), blocks);
  }

  @Test
  void trailingCommentsStayWithTheCodeAbove() {
    List<Block> blocks = blocks("Intro.", "pytest -q\n# then read the report");
    assertEquals(new Example(1, "shell", "pytest -q\n# then read the report"), blocks.get(1));
  }

  @Test
  void settingsByCommentOrByUpperCaseAssignments() {
    assertEquals("settings", language("# DRF settings\nREST_FRAMEWORK = {}"));
    assertEquals("settings", language("import environ\n# settings.py\nDEBUG = env('DEBUG')"));
    assertEquals("settings", language("LOGGING = {\n  \"x\": 1,\n}"));
    assertEquals("python", language("# core/models.py\nDEBUG = True"));
    assertEquals("python", language("application = get_asgi_application()"));
  }

  @Test
  void commentOnlyExamplesTakeTheLanguageTheyMention() {
    assertEquals("sql", language("# example: trigram extension (Postgres)\n# CREATE EXTENSION pg_trgm;"));
    assertEquals("python", language("# asgi.py includes ProtocolTypeRouter"));
    assertEquals("template", language("# templates/base.html holds the layout"));
    assertEquals("dockerfile", language("# see the Dockerfile"));
    assertEquals("text", language("# nothing to see here"));
  }

  @Test
  void proseAfterCodeAndBulletLists() {
    List<Block> blocks = blocks("Checklist:\n  • one\n  • two", "pytest -q", "Run it often.", "Really.");
    assertEquals(List.of(Markdown.prose("Checklist:\n- one\n- two"), new Example(1, "shell", "pytest -q"),
        Markdown.prose("Run it often.\n\nReally.")), blocks);
  }

  @Test
  void codeParagraphsOfOneLanguageMergeUnlessACommentStartsANewExample() {
    List<Block> blocks = blocks("Intro.", "def a():\n    pass", "def b():\n    pass", "# other.py\nx = 1");
    assertEquals(List.of(Markdown.prose("Intro."), new Example(1, "python", "def a():\n    pass\n\ndef b():\n    pass"),
        new Example(2, "python", "# other.py\nx = 1")), blocks);
  }

  private static List<Block> blocks(String... paragraphs) {
    return PocketBookBlocks.blocks(Arrays.stream(paragraphs).map(p -> List.of(p.split("\n"))).toList());
  }

  private static String language(String code) {
    List<Block> blocks = blocks("Intro.", code);
    assertEquals(2, blocks.size(), "one example expected: " + blocks);
    return ((Example) blocks.get(1)).language();
  }
}
