"""The cluster side: ``preflight`` (will the first sync work?) and ``status``
(why is the sync waiting?). Everything here talks to a live API server through
``live.api``; everything else in adk-gitops stays offline."""
