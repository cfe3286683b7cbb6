"""Label programmes and the transparent scoring of candidacies (pure: no I/O but the
programme files shipped in ``cartotech/data/programmes/``).

The store measures a candidacy (``cartotech.store.candidacy_scores``) and calls
:func:`score_programme`; the programmes' criteria are data.
"""

from cartotech.labels.programmes import (
    Criterion,
    CriterionKind,
    Programme,
    get_programme,
    load_programmes,
    programme_from_yaml,
    programmes_dir,
)
from cartotech.labels.scoring import (
    CandidacyScore,
    CriterionScore,
    EvidenceItem,
    Measurement,
    score_programme,
)

__all__ = [
    "CandidacyScore",
    "Criterion",
    "CriterionKind",
    "CriterionScore",
    "EvidenceItem",
    "Measurement",
    "Programme",
    "get_programme",
    "load_programmes",
    "programme_from_yaml",
    "programmes_dir",
    "score_programme",
]
