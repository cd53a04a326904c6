"""Building blocks for many documents at once, shared by the scan and the archive.

``copytrace scan`` (:mod:`copytrace.corpus`) and the SQLite archive
(:mod:`copytrace.index`) both import these; neither imports the other.

- :mod:`.read` streams a corpus's records and sets bad ones aside;
- :mod:`.common` counts the text many documents share (furniture, template frames);
- :mod:`.fingerprint` makes MinHash signatures and static document vectors;
- :mod:`.candidates` finds the pairs worth aligning (exact groups, LSH, neighbours, anchors);
- :mod:`.cluster` groups reuse pairs into clusters;
- :mod:`.provenance` directs each pair and finds each cluster's root.
"""
