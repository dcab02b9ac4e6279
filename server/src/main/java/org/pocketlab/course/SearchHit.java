package org.pocketlab.course;

import java.util.List;

/**
 * A card that matches a search. {@code field} is where the excerpt comes from: "title", "text" (prose,
 * questions and answers) or "code".
 */
public record SearchHit(Card card, String field, List<Snippet.Part> snippet) {
  public SearchHit {
    snippet = List.copyOf(snippet);
  }
}
