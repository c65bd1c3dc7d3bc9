# coding: latin-1
² ª µ º ×
