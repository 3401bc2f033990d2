"""What a person does with backtimer, written once for both front ends (cli/ and ui/):
find and load routines, write them into the user folder, levels, settings, the keymap,
and the work-mode policy. Nothing here imports Textual or argparse."""
