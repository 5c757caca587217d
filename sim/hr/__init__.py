"""An HR leader's tools: the one-file report comparing policies against measuring nothing
(`report`), and its verdicts, in plain words and with intervals (`verdict`)."""
