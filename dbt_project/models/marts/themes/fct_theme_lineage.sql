select
    model_version,
    lineage_event,
    from_theme_id,
    to_theme_id,
    similarity,
    recorded_at
from {{ ref('stg_topics__theme_lineage') }}
