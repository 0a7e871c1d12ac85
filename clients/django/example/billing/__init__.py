"""The example's billing app: the Celery tasks of the README's migration guide ("Moving a Celery project, step by
step"), as the guide's commands converted them, and what they call."""
