/** SPEC: newsletters are read with reports.view and changed with settings.update. */
export const READ = { permission: 'reports.view' };
export const WRITE = { permission: 'settings.update' };
