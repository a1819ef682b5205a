"""A datatrove pipeline step that restores spun documents.

::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from unspin.datatrove import Unspin

    LocalPipelineExecutor(
        pipeline=[JsonlReader("in/"), Unspin(), JsonlWriter("out/")],
        tasks=4,
    ).run()

Each document's ``text`` is restored, and its metadata gets the document spin
score (``unspin_score``) and the number of restorations
(``unspin_restorations``).
"""

from __future__ import annotations

from itertools import islice
from typing import Iterator, Optional

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from . import Unspinner


class Unspin(PipelineStep):
    """Restores ``doc.text`` of every document and records its spin score.

    Args:
        unspinner: the :class:`unspin.Unspinner` to use (default: a new one
            with the default settings). It pickles, so executors can ship it.
        min_score: restore only documents whose spin score is at least this
            (as ``unspin fix --min-score``); the others keep their text and
            still get their score. None restores every document.
        batch_size: documents analysed together.
        threads: worker threads for each batch (0: one per core). datatrove
            runs its tasks in parallel already, so the default is 1.
        score_key, restorations_key: the metadata keys written.
    """

    name = "🌀 unspin"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        unspinner: Optional[Unspinner] = None,
        min_score: Optional[float] = None,
        batch_size: int = 256,
        threads: int = 1,
        score_key: str = "unspin_score",
        restorations_key: str = "unspin_restorations",
    ):
        super().__init__()
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        self.unspinner = unspinner if unspinner is not None else Unspinner()
        self.min_score = min_score
        self.batch_size = batch_size
        self.threads = threads
        self.score_key = score_key
        self.restorations_key = restorations_key

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data is None:
            return
        docs: Iterator[Document] = iter(data)
        while True:
            batch = list(islice(docs, self.batch_size))
            if not batch:
                return
            with self.track_time(unit="batch"):
                analyses = self.unspinner.analyze_many([d.text for d in batch], threads=self.threads)
            for doc, a in zip(batch, analyses):
                self.stat_update("total")
                restore = self.min_score is None or a.score >= self.min_score
                n = len(a.restorations) if restore else 0
                if a.is_spun:
                    self.stat_update("spun")
                if n:
                    self.stat_update("restored")
                    self.stat_update("restorations", value=n)
                    doc.text = a.restore()
                doc.metadata[self.score_key] = a.to_dict(findings=False)["score"]
                doc.metadata[self.restorations_key] = n
                yield doc
