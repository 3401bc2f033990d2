"""Spoken cues: phrases built from the timeline, rendered ahead of time by a speech engine
(espeak-ng), cached on disk and played by the audio worker on the cues' timing."""
