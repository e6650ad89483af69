"""Session-state keys shared by every page (prefix "app_").

Each page's own keys live beside its cached wrappers in ``dashboard/state/<page>.py``
with the page's prefix; no widget key is a string literal in a page.
"""

UPLOAD = "app_upload"
#: The uploaded file's own provenance (optional): downloads made from it link that record.
UPLOAD_PROVENANCE = "app_upload_provenance"
SAMPLE = "app_sample"
UPLOAD_HASH = "app_upload_hash"  # (file_id, sha256) of the current upload, hashed once
ACTIVE = "app_active"  # ActiveData of this rerun, set by the sidebar
TARGET_PREFIX = "app_target_"  # + sha256[:16]: one target choice per dataset
SHEET_PREFIX = "app_sheet_"  # + sha256[:16]: the worksheet chosen for each uploaded .xlsx workbook
SERVER_PATH = "app_server_path"  # the path typed into "Open a file on the server" (only with --data-root)
