"""Taking an upload in: the streamed form, the type judged from the bytes, the safe file name."""
