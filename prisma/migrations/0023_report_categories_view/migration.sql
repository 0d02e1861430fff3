-- Analysts count reports by category too (0022): the view gains the column at its end (CREATE OR REPLACE keeps
-- its grants and may only add columns there), and its groups split by category.
CREATE OR REPLACE VIEW analytics.reports WITH (security_barrier) AS
SELECT m.target_type,
       CASE WHEN m.target_type = 'review'
            THEN left(encode(sha256(convert_to(k.secret || ':review:' || m.target_id, 'UTF8')), 'hex'), 32)
            ELSE m.target_id END AS target_id,
       m.owner_id, m.source, m.status, m.action,
       count(*)::int AS reports,
       min(m.filed_at) AS first_filed_at,
       max(m.filed_at) AS last_filed_at,
       max(m.resolved_at) AS last_resolved_at,
       avg(m.resolved_at - m.filed_at) AS mean_time_to_resolve,
       m.category
  FROM public.moderation_reports m CROSS JOIN public.analytics_secret k
 GROUP BY 1, 2, 3, 4, 5, 6, m.category;
