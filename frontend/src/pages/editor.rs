//! What the bills and pay-schedules pages share (placeholder while the pages are ported).
