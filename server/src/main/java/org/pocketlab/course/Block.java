package org.pocketlab.course;

/** A piece of a card's body, in source order: prose or a code example. */
public sealed interface Block permits Prose, Example {}
