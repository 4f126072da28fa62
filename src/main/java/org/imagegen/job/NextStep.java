package org.imagegen.job;

/** What a route does after a create's answer or a status check (its choice reads the name). */
public enum NextStep { WAIT, DELIVER, RETRY_AT_PROVIDER, DONE }
