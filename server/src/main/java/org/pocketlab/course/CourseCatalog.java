package org.pocketlab.course;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The courses this server serves, with their lookup tables and search indexes built once at boot. */
public final class CourseCatalog {
  private final Map<String, Entry> byId = new LinkedHashMap<>();

  private record Entry(Course course, Map<String, Card> cardsByPath, CourseSearch search, RecipeLoader.Recipes recipes) {}

  public CourseCatalog(List<Course> courses) {
    this(courses, Map.of());
  }

  public CourseCatalog(List<Course> courses, Map<String, RecipeLoader.Recipes> recipes) {
    for (Course course : courses) {
      byId.put(course.id(), new Entry(course, course.cardsByPath(), new CourseSearch(course),
          recipes.getOrDefault(course.id(), RecipeLoader.Recipes.NONE)));
    }
  }

  public List<Course> courses() {
    return byId.values().stream().map(Entry::course).toList();
  }

  public Optional<Course> course(String id) {
    return Optional.ofNullable(byId.get(id)).map(Entry::course);
  }

  /** The card at its canonical URL segment, e.g. {@code 12-models-orm-essentials}. */
  public Optional<Card> card(String courseId, String path) {
    return Optional.ofNullable(byId.get(courseId)).map(e -> e.cardsByPath().get(path));
  }

  /** What Run does for that example, if it can be run. */
  public Optional<RunRecipe> recipe(String courseId, int card, int example) {
    return Optional.ofNullable(byId.get(courseId)).flatMap(e -> e.recipes().find(card, example));
  }

  /** The card's exercise with its check, if it has one. */
  public Optional<Exercise> exercise(String courseId, int card) {
    return Optional.ofNullable(byId.get(courseId)).flatMap(e -> e.recipes().exercise(card));
  }

  /** Files written beside every check of the course (by name), e.g. the helper module the checks import. */
  public Map<String, String> checkSupport(String courseId) {
    return Optional.ofNullable(byId.get(courseId)).map(e -> e.recipes().checkSupport()).orElse(Map.of());
  }

  public Optional<CourseSearch> search(String courseId) {
    return Optional.ofNullable(byId.get(courseId)).map(Entry::search);
  }
}
