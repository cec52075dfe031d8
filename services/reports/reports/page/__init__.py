"""The printable programme page: the overview with its charts and map inline, for a minister's briefing."""
