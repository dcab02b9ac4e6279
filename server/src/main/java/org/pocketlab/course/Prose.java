package org.pocketlab.course;

/** Card text as Markdown, with its HTML rendered once at load time (raw HTML in the source is escaped). */
public record Prose(String markdown, String html) implements Block {}
