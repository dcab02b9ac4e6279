package org.pocketlab.course;

/** One interview question and its answer, numbered from 1 within its card. */
public record QaItem(int number, String question, String answer) {}
