#coding:
# coding: latin1
é=1
